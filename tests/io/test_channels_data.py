"""The shipped channel set equals a rebuild from data-raw/, and its levels add up."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from projsim.io.channels import list_channel_sets, read_channel_set
from projsim.io.packaged import data_folder
from projsim.types import CHANNELS

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_SET = "channels_belgium_2012"


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    spec = importlib.util.spec_from_file_location("build_channels",
                                                  REPO_ROOT / "tools" / "build_channels.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("channels")
    assert module.main(["--out", str(out)]) == 0
    return out / DATA_SET


@pytest.mark.parametrize("name", ["channels.toml", "README.md"])
def test_shipped_files_equal_a_rebuild(rebuilt, name):
    assert (rebuilt / name).read_bytes() == (data_folder(DATA_SET) / name).read_bytes()


def test_the_set_has_every_channel_and_the_foreign_immigrants_of_2011_2012():
    assert list_channel_sets() == ["belgium-2012"]
    channels = read_channel_set("belgium-2012").channels
    assert tuple(channels) == CHANNELS
    # Eurostat migr_imm1ctz: all immigrants less Belgians, 133,587 (2011) and 116,055 (2012)
    assert sum(c["level"] for c in channels.values()) == pytest.approx((133587 + 116055) / 2)
    assert channels["eu_free_movement"]["level"] == (66395 + 67314) / 2
    assert channels["international_protection"]["level"] == (3810 + 1265 + 3990 + 1565) / 2
