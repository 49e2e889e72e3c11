"""The README documents every setting Loa reads."""
import dataclasses

import pytest

from core.settings import ROOT, Settings

pytestmark = pytest.mark.nodb


@pytest.mark.parametrize("name", [f.name.upper() for f in dataclasses.fields(Settings)])
def test_every_setting_is_in_the_readme(name):
    assert f"`{name}`" in (ROOT / "README.md").read_text(encoding="utf-8")
