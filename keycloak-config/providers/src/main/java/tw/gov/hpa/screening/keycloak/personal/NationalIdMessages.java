package tw.gov.hpa.screening.keycloak.personal;

/**
 * What a person or an administrator reads when a national ID is refused: zh-Hant first, English
 * beside, the rule named. One text for the console, the Admin REST API (its {@code errorMessage}),
 * a refused partialImport and the first-sign-in page, so a script and a person read the same.
 */
public final class NationalIdMessages {

    public static final String REQUIRED = "請填寫身分證字號：每個帳號屬於一個人，以其身分證字號識別（R-ACC-1）。"
            + " The national ID is required: every account belongs to one person, known by their national ID (R-ACC-1).";

    public static final String INVALID = "身分證字號格式或檢查碼不符，請再核對一次（1 個英文字母加 9 位數字，或統一證號）。"
            + " The format or check digit of the national ID is wrong; please check the number again"
            + " (a letter and 9 digits, or a resident certificate number).";

    public static final String DUPLICATE = "一人一帳號（R-ACC-1）：此身分證字號已有帳號。請勿另開新帳號，"
            + "已有帳號者由所屬單位管理者增加權限。"
            + " One person, one account (R-ACC-1): this national ID already has an account."
            + " Do not make another; a grant is added to the existing account instead.";

    public static final String UNCHANGEABLE = "身分證字號不得變更：帳號屬於其本人，不得轉讓予他人使用（R-CONF-2）。"
            + " A national ID cannot be changed: an account belongs to its person and is never handed to"
            + " someone else (R-CONF-2).";

    public static final String NO_KEY = "系統未設定身分證字號金鑰，帳號無法儲存，請聯絡系統管理者。"
            + " The national ID digest key is missing: the account cannot be saved; please contact the"
            + " system administrator.";

    private NationalIdMessages() {
    }
}
