package tw.gov.hpa.screening.keycloak.personal;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The ways people in Taiwan write a birth date (stored as ISO YYYY-MM-DD): Gregorian and ROC era
 * (民國, year - 1911), with and without separators, and the bare month-day that people use as a PIN.
 */
public final class BirthDateForms {

    private static final int ROC_EPOCH_OFFSET = 1911;

    private final LocalDate date;

    private BirthDateForms(LocalDate date) {
        this.date = date;
    }

    /** A date that cannot be read gives no forms: refusing on a guess would be arbitrary. */
    public static BirthDateForms of(String iso) {
        if (iso == null || iso.isBlank()) {
            return new BirthDateForms(null);
        }
        try {
            return new BirthDateForms(LocalDate.parse(iso.trim()));
        } catch (DateTimeParseException e) {
            return new BirthDateForms(null);
        }
    }

    public Set<String> forms() {
        if (date == null) {
            return Collections.emptySet();
        }
        String yyyy = String.format("%04d", date.getYear());
        String mm = String.format("%02d", date.getMonthValue());
        String dd = String.format("%02d", date.getDayOfMonth());
        Set<String> out = new LinkedHashSet<>();
        out.add(yyyy + mm + dd);
        out.add(yyyy + "-" + mm + "-" + dd);
        out.add(yyyy + "/" + mm + "/" + dd);
        out.add(yyyy + "." + mm + "." + dd);
        out.add(mm + dd);
        out.add(dd + mm);
        int roc = date.getYear() - ROC_EPOCH_OFFSET;
        if (roc >= 1) {
            // Forms and records pad the ROC year to three digits (079); people often do not (79).
            for (String year : new LinkedHashSet<>(java.util.List.of(String.format("%03d", roc), Integer.toString(roc)))) {
                out.add(year + mm + dd);
                out.add(year + "/" + mm + "/" + dd);
                out.add(year + "-" + mm + "-" + dd);
                out.add(year + "." + mm + "." + dd);
            }
        }
        return out;
    }
}
