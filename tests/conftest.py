"""Test-wide settings. In CI (CI=true) hypothesis runs derandomized, so a green or red run is
reproducible from the commit alone; locally it keeps exploring new examples."""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
