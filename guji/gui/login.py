"""The sign-in dialog."""

from __future__ import annotations

from guji.app import Guji
from guji.db.engine import Database
from guji.errors import GujiError
from guji.gui.qt import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class LoginDialog(QDialog):
    """Asks for login and password and signs in; ``app`` holds the result when accepted.

    Sign-in runs on the GUI thread: it is one short query and an argon2 check
    (about 50 ms), made before the main window and its worker exist.
    """

    def __init__(self, db: Database, login: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.app: Guji | None = None
        self.setWindowTitle(self.tr("Sign in to guji"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Database: %1").replace("%1", db.name)))
        form = QFormLayout()
        self.login_edit = QLineEdit(login)
        self.login_edit.setObjectName("login")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("User"), self.login_edit)
        form.addRow(self.tr("Password"), self.password_edit)
        layout.addLayout(form)
        self.message = QLabel("")
        self.message.setObjectName("message")
        self.message.setStyleSheet("color: #b00020")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password_edit if login else self.login_edit).setFocus()

    def try_sign_in(self) -> bool:
        try:
            self.app = Guji.sign_in(self.db, self.login_edit.text(), self.password_edit.text())
        except GujiError as exc:
            self.message.setText(str(exc))
            self.password_edit.selectAll()
            self.password_edit.setFocus()
            return False
        self.accept()
        return True
