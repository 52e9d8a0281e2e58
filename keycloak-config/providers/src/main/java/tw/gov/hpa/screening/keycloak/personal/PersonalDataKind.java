package tw.gov.hpa.screening.keycloak.personal;

/** What kind of personal data a refused password contained, and the message that says so. */
public enum PersonalDataKind {
    NATIONAL_ID("invalidPasswordPersonalDataNationalIdMessage"),
    BIRTH_DATE("invalidPasswordPersonalDataBirthDateMessage"),
    PHONE("invalidPasswordPersonalDataPhoneMessage"),
    EMAIL("invalidPasswordPersonalDataEmailMessage"),
    NAME("invalidPasswordPersonalDataNameMessage");

    private final String messageKey;

    PersonalDataKind(String messageKey) {
        this.messageKey = messageKey;
    }

    /** Key into the login theme's messages (zh-Hant and English). */
    public String messageKey() {
        return messageKey;
    }
}
