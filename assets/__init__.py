"""Files Draftsmith ships beside its code: styles and the sample project."""

from pathlib import Path

ASSETS_DIR = Path(__file__).parent
STYLES_DIR = ASSETS_DIR / "styles"
