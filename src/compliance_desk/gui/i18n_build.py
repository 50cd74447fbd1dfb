"""`python -m compliance_desk.gui.i18n_build`: compile the translations (run by the setup)."""

from compliance_desk.gui.i18n import ensure_compiled

if __name__ == "__main__":
    for qm in ensure_compiled():
        print(f"translations: {qm}")
