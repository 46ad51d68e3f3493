"""xxgk (信息公开): parse, check and compare 政府信息公开工作年度报告."""

__version__ = "0.1.0"
