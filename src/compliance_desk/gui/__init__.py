"""The Qt shell: the only package that imports PySide6. A thin layer over the services."""
