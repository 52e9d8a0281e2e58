package tw.gov.hpa.screening.keycloak.changes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which fields of a person an administrator's update changes (issue 18 item 7, R-AUD-1, decision
 * 0123), as the audit may keep them: the field names, and for the e-mail address a mask of the old
 * and the new one. Never a value of a personal field (R-PD-1): a national ID is named, never shown.
 */
public final class ChangedFields {

    /** The admin event's details keys the sync service copies into its chain. */
    public static final String FIELDS = "screening_changed_fields";
    public static final String EMAIL_FROM = "screening_email_from";
    public static final String EMAIL_TO = "screening_email_to";

    private ChangedFields() {
    }

    /**
     * @param before the stored values, by field name
     * @param after  the values given, by field name (a field not given is not changed)
     * @return the details to record, empty when nothing changes
     */
    public static Map<String, String> of(Map<String, List<String>> before, Map<String, List<String>> after,
            Set<String> watched) {
        Set<String> changed = new TreeSet<>();
        for (String field : watched) {
            if (!after.containsKey(field)) {
                continue;
            }
            if (!Objects.equals(clean(before.get(field)), clean(after.get(field)))) {
                changed.add(field);
            }
        }
        Map<String, String> details = new LinkedHashMap<>();
        if (changed.isEmpty()) {
            return details;
        }
        details.put(FIELDS, String.join(",", changed));
        if (changed.contains("email")) {
            details.put(EMAIL_FROM, maskEmail(first(before.get("email"))));
            details.put(EMAIL_TO, maskEmail(first(after.get("email"))));
        }
        return details;
    }

    /** {@code w***@clinic.example.tw}: the first letter and the domain, enough to tell two apart. */
    public static String maskEmail(String email) {
        if (email == null || email.isBlank()) {
            return "";
        }
        int at = email.indexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.charAt(0) + "***" + email.substring(at);
    }

    private static List<String> clean(List<String> values) {
        return values == null ? List.of() : values.stream().filter(v -> v != null && !v.isBlank()).map(String::strip).toList();
    }

    private static String first(List<String> values) {
        List<String> clean = clean(values);
        return clean.isEmpty() ? null : clean.get(0);
    }
}
