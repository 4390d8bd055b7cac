"""Files Draftsmith ships beside its code: styles and the sample project."""

from pathlib import Path

ASSETS_DIR = Path(__file__).parent
STYLES_DIR = ASSETS_DIR / "styles"
SAMPLE_MANUSCRIPT = ASSETS_DIR / "sample" / "the_skerry_light.md"
"""A short two-chapter story to try the workspace on: import it from Ctrl+O."""
