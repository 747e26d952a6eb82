"""The demo's illustrative indicator catalogue and values (imported through the import code)."""

from pathlib import Path


def load_demo(demo_dir: Path) -> str:
    return ""
