# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'enterprise_form.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox, QFormLayout,
    QLabel, QLineEdit, QPlainTextEdit, QSizePolicy,
    QWidget)

class Ui_EnterpriseForm(object):
    def setupUi(self, EnterpriseForm):
        if not EnterpriseForm.objectName():
            EnterpriseForm.setObjectName(u"EnterpriseForm")
        EnterpriseForm.resize(560, 600)
        self.formLayout = QFormLayout(EnterpriseForm)
        self.formLayout.setObjectName(u"formLayout")
        self.formLayout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.nameEditLabel = QLabel(EnterpriseForm)
        self.nameEditLabel.setObjectName(u"nameEditLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.nameEditLabel)

        self.nameEdit = QLineEdit(EnterpriseForm)
        self.nameEdit.setObjectName(u"nameEdit")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.nameEdit)

        self.nameHint = QLabel(EnterpriseForm)
        self.nameHint.setObjectName(u"nameHint")
        self.nameHint.setWordWrap(True)
        self.nameHint.setStyleSheet(u"color: #b00020")
        self.nameHint.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.nameHint)

        self.usccEditLabel = QLabel(EnterpriseForm)
        self.usccEditLabel.setObjectName(u"usccEditLabel")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.usccEditLabel)

        self.usccEdit = QLineEdit(EnterpriseForm)
        self.usccEdit.setObjectName(u"usccEdit")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.usccEdit)

        self.usccHint = QLabel(EnterpriseForm)
        self.usccHint.setObjectName(u"usccHint")
        self.usccHint.setWordWrap(True)
        self.usccHint.setStyleSheet(u"color: #b00020")
        self.usccHint.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)

        self.formLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.usccHint)

        self.industryComboLabel = QLabel(EnterpriseForm)
        self.industryComboLabel.setObjectName(u"industryComboLabel")

        self.formLayout.setWidget(4, QFormLayout.ItemRole.LabelRole, self.industryComboLabel)

        self.industryCombo = QComboBox(EnterpriseForm)
        self.industryCombo.setObjectName(u"industryCombo")

        self.formLayout.setWidget(4, QFormLayout.ItemRole.FieldRole, self.industryCombo)

        self.centreComboLabel = QLabel(EnterpriseForm)
        self.centreComboLabel.setObjectName(u"centreComboLabel")

        self.formLayout.setWidget(5, QFormLayout.ItemRole.LabelRole, self.centreComboLabel)

        self.centreCombo = QComboBox(EnterpriseForm)
        self.centreCombo.setObjectName(u"centreCombo")

        self.formLayout.setWidget(5, QFormLayout.ItemRole.FieldRole, self.centreCombo)

        self.chamberComboLabel = QLabel(EnterpriseForm)
        self.chamberComboLabel.setObjectName(u"chamberComboLabel")

        self.formLayout.setWidget(6, QFormLayout.ItemRole.LabelRole, self.chamberComboLabel)

        self.chamberCombo = QComboBox(EnterpriseForm)
        self.chamberCombo.setObjectName(u"chamberCombo")

        self.formLayout.setWidget(6, QFormLayout.ItemRole.FieldRole, self.chamberCombo)

        self.addressEditLabel = QLabel(EnterpriseForm)
        self.addressEditLabel.setObjectName(u"addressEditLabel")

        self.formLayout.setWidget(7, QFormLayout.ItemRole.LabelRole, self.addressEditLabel)

        self.addressEdit = QLineEdit(EnterpriseForm)
        self.addressEdit.setObjectName(u"addressEdit")

        self.formLayout.setWidget(7, QFormLayout.ItemRole.FieldRole, self.addressEdit)

        self.legalRepresentativeEditLabel = QLabel(EnterpriseForm)
        self.legalRepresentativeEditLabel.setObjectName(u"legalRepresentativeEditLabel")

        self.formLayout.setWidget(8, QFormLayout.ItemRole.LabelRole, self.legalRepresentativeEditLabel)

        self.legalRepresentativeEdit = QLineEdit(EnterpriseForm)
        self.legalRepresentativeEdit.setObjectName(u"legalRepresentativeEdit")

        self.formLayout.setWidget(8, QFormLayout.ItemRole.FieldRole, self.legalRepresentativeEdit)

        self.contactPersonEditLabel = QLabel(EnterpriseForm)
        self.contactPersonEditLabel.setObjectName(u"contactPersonEditLabel")

        self.formLayout.setWidget(9, QFormLayout.ItemRole.LabelRole, self.contactPersonEditLabel)

        self.contactPersonEdit = QLineEdit(EnterpriseForm)
        self.contactPersonEdit.setObjectName(u"contactPersonEdit")

        self.formLayout.setWidget(9, QFormLayout.ItemRole.FieldRole, self.contactPersonEdit)

        self.phoneEditLabel = QLabel(EnterpriseForm)
        self.phoneEditLabel.setObjectName(u"phoneEditLabel")

        self.formLayout.setWidget(10, QFormLayout.ItemRole.LabelRole, self.phoneEditLabel)

        self.phoneEdit = QLineEdit(EnterpriseForm)
        self.phoneEdit.setObjectName(u"phoneEdit")

        self.formLayout.setWidget(10, QFormLayout.ItemRole.FieldRole, self.phoneEdit)

        self.phoneHint = QLabel(EnterpriseForm)
        self.phoneHint.setObjectName(u"phoneHint")
        self.phoneHint.setWordWrap(True)
        self.phoneHint.setStyleSheet(u"color: #b00020")
        self.phoneHint.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)

        self.formLayout.setWidget(11, QFormLayout.ItemRole.FieldRole, self.phoneHint)

        self.sizeComboLabel = QLabel(EnterpriseForm)
        self.sizeComboLabel.setObjectName(u"sizeComboLabel")

        self.formLayout.setWidget(12, QFormLayout.ItemRole.LabelRole, self.sizeComboLabel)

        self.sizeCombo = QComboBox(EnterpriseForm)
        self.sizeCombo.setObjectName(u"sizeCombo")

        self.formLayout.setWidget(12, QFormLayout.ItemRole.FieldRole, self.sizeCombo)

        self.settledOnEditLabel = QLabel(EnterpriseForm)
        self.settledOnEditLabel.setObjectName(u"settledOnEditLabel")

        self.formLayout.setWidget(13, QFormLayout.ItemRole.LabelRole, self.settledOnEditLabel)

        self.settledOnEdit = QLineEdit(EnterpriseForm)
        self.settledOnEdit.setObjectName(u"settledOnEdit")

        self.formLayout.setWidget(13, QFormLayout.ItemRole.FieldRole, self.settledOnEdit)

        self.compliantCheck = QCheckBox(EnterpriseForm)
        self.compliantCheck.setObjectName(u"compliantCheck")
        self.compliantCheck.setEnabled(False)

        self.formLayout.setWidget(14, QFormLayout.ItemRole.FieldRole, self.compliantCheck)

        self.modelCheck = QCheckBox(EnterpriseForm)
        self.modelCheck.setObjectName(u"modelCheck")

        self.formLayout.setWidget(15, QFormLayout.ItemRole.FieldRole, self.modelCheck)

        self.notesEditLabel = QLabel(EnterpriseForm)
        self.notesEditLabel.setObjectName(u"notesEditLabel")

        self.formLayout.setWidget(16, QFormLayout.ItemRole.LabelRole, self.notesEditLabel)

        self.notesEdit = QPlainTextEdit(EnterpriseForm)
        self.notesEdit.setObjectName(u"notesEdit")
        self.notesEdit.setTabChangesFocus(True)
        self.notesEdit.setMaximumSize(QSize(16777215, 90))

        self.formLayout.setWidget(16, QFormLayout.ItemRole.FieldRole, self.notesEdit)

#if QT_CONFIG(shortcut)
        self.nameEditLabel.setBuddy(self.nameEdit)
        self.usccEditLabel.setBuddy(self.usccEdit)
        self.industryComboLabel.setBuddy(self.industryCombo)
        self.centreComboLabel.setBuddy(self.centreCombo)
        self.chamberComboLabel.setBuddy(self.chamberCombo)
        self.addressEditLabel.setBuddy(self.addressEdit)
        self.legalRepresentativeEditLabel.setBuddy(self.legalRepresentativeEdit)
        self.contactPersonEditLabel.setBuddy(self.contactPersonEdit)
        self.phoneEditLabel.setBuddy(self.phoneEdit)
        self.sizeComboLabel.setBuddy(self.sizeCombo)
        self.settledOnEditLabel.setBuddy(self.settledOnEdit)
        self.notesEditLabel.setBuddy(self.notesEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.nameEdit, self.usccEdit)
        QWidget.setTabOrder(self.usccEdit, self.industryCombo)
        QWidget.setTabOrder(self.industryCombo, self.centreCombo)
        QWidget.setTabOrder(self.centreCombo, self.chamberCombo)
        QWidget.setTabOrder(self.chamberCombo, self.addressEdit)
        QWidget.setTabOrder(self.addressEdit, self.legalRepresentativeEdit)
        QWidget.setTabOrder(self.legalRepresentativeEdit, self.contactPersonEdit)
        QWidget.setTabOrder(self.contactPersonEdit, self.phoneEdit)
        QWidget.setTabOrder(self.phoneEdit, self.sizeCombo)
        QWidget.setTabOrder(self.sizeCombo, self.settledOnEdit)
        QWidget.setTabOrder(self.settledOnEdit, self.modelCheck)
        QWidget.setTabOrder(self.modelCheck, self.notesEdit)

        self.retranslateUi(EnterpriseForm)

        QMetaObject.connectSlotsByName(EnterpriseForm)
    # setupUi

    def retranslateUi(self, EnterpriseForm):
        EnterpriseForm.setWindowTitle(QCoreApplication.translate("EnterpriseForm", u"Enterprise", None))
        self.nameEditLabel.setText(QCoreApplication.translate("EnterpriseForm", u"Name *", None))
        self.nameHint.setText("")
        self.usccEditLabel.setText(QCoreApplication.translate("EnterpriseForm", u"Unified social credit code *", None))
        self.usccEdit.setPlaceholderText(QCoreApplication.translate("EnterpriseForm", u"18 characters, e.g. 91330604MA2BXXXXXX", None))
        self.usccHint.setText("")
        self.industryComboLabel.setText(QCoreApplication.translate("EnterpriseForm", u"Industry", None))
        self.centreComboLabel.setText(QCoreApplication.translate("EnterpriseForm", u"Compliance centre", None))
        self.chamberComboLabel.setText(QCoreApplication.translate("EnterpriseForm", u"Chamber / association", None))
        self.addressEditLabel.setText(QCoreApplication.translate("EnterpriseForm", u"Address", None))
        self.legalRepresentativeEditLabel.setText(QCoreApplication.translate("EnterpriseForm", u"Legal representative", None))
        self.contactPersonEditLabel.setText(QCoreApplication.translate("EnterpriseForm", u"Contact person", None))
        self.phoneEditLabel.setText(QCoreApplication.translate("EnterpriseForm", u"Contact phone", None))
        self.phoneEdit.setPlaceholderText(QCoreApplication.translate("EnterpriseForm", u"Mobile, or landline with area code; extension as \u8f6c8001", None))
        self.phoneHint.setText("")
        self.sizeComboLabel.setText(QCoreApplication.translate("EnterpriseForm", u"Size", None))
        self.settledOnEditLabel.setText(QCoreApplication.translate("EnterpriseForm", u"Settled on", None))
        self.settledOnEdit.setPlaceholderText(QCoreApplication.translate("EnterpriseForm", u"e.g. 2024-03-05", None))
#if QT_CONFIG(tooltip)
        self.compliantCheck.setToolTip(QCoreApplication.translate("EnterpriseForm", u"Kept by the compliant list itself (Inspections, compliant list): an enterprise joins it after an inspection or rectification, or from an imported ledger.", None))
#endif // QT_CONFIG(tooltip)
        self.compliantCheck.setText(QCoreApplication.translate("EnterpriseForm", u"On the district compliant-enterprise list", None))
        self.modelCheck.setText(QCoreApplication.translate("EnterpriseForm", u"Model compliant enterprise", None))
        self.notesEditLabel.setText(QCoreApplication.translate("EnterpriseForm", u"Notes", None))
    # retranslateUi

