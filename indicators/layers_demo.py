"""The demo's illustrative reference layers and the spatial indicators computed from them."""

from pathlib import Path


def load_demo(demo_dir: Path) -> str:
    return ""
