package tw.gov.hpa.screening.keycloak.personal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Personal data found in a password. Covers: R-PWD-5 */
class PersonalDataTest {

    static final PersonalData WANG = PersonalData.builder()
            .username("wangxm01")
            .email("hsiaoming.wang@hospital.example.tw")
            .firstName("Hsiao-Ming").lastName("Wang")
            .nationalId("A123456789")
            .birthDate("1990-03-12")
            .phone("(02)2559-1969#116")
            .phone("0933-521-864")
            .build();

    @ParameterizedTest
    @CsvSource({
        "Xx~A123456789z, NATIONAL_ID",
        "xx~a123456789Z, NATIONAL_ID",
        "Qq#123456789rr, NATIONAL_ID",
        "Qq#3456789!rrT, NATIONAL_ID",
        "Qq#1990-03-12r, BIRTH_DATE",
        "Qq#19900312Rr*, BIRTH_DATE",
        "Qq#1990/03/12r, BIRTH_DATE",
        "Kq#0312Rrmmpp*, BIRTH_DATE",
        "Kq#1203Rrmmpp*, BIRTH_DATE",
        "Kq#0790312Rrm*, BIRTH_DATE",
        "Kq#790312Rrmp*, BIRTH_DATE",
        "Kq#79/03/12Rr*, BIRTH_DATE",
        "Kq#79-03-12Rr*, BIRTH_DATE",
        "Kq#079/03/12R*, BIRTH_DATE",
        "Kq#0225591969*, PHONE",
        "Kq#225591969R*, PHONE",
        "Kq#25591969Rr*, PHONE",
        "Kq#(02)2559-1969, PHONE",
        "Kq#0933521864*, PHONE",
        "Kq#0933-521-864, PHONE",
        "Kq#933521864r*, PHONE",
        "Kq#+886933521864, PHONE",
        "Kq#HsiaoMing.Wang*, EMAIL",
        "Kq#hsiaoming!!x9, NAME",
        "Kq#WANGwang~~x9, NAME",
    })
    void refusesPersonalData(String password, PersonalDataKind kind) {
        assertEquals(Optional.of(kind), WANG.foundIn(password));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Correct~Horse#Battery9", "Tq#7Lp!2Vz^9Kd", "Mango*River~Lamp42"})
    void acceptsPasswordsWithoutPersonalData(String password) {
        assertEquals(Optional.empty(), WANG.foundIn(password));
    }

    @Test
    void nothingToCompareWithMeansNothingFound() {
        assertEquals(Optional.empty(), PersonalData.none().foundIn("A123456789~19900312"));
    }

    @Test
    void shortEmailLocalPartIsNotRefused() {
        PersonalData p = PersonalData.builder().email("wu@example.tw").build();
        assertEquals(Optional.empty(), p.foundIn("Kq#wu~Xx9Rr8Tt"));
    }

    @Test
    void hanNameRefusedWhole() {
        PersonalData p = PersonalData.builder().firstName("小明").lastName("王").build();
        assertEquals(Optional.of(PersonalDataKind.NAME), p.foundIn("Kq#王小明~9"));
    }

    @Test
    void scorerInputsCarryAllTheData() {
        assertTrue(WANG.scorerInputs().containsAll(java.util.List.of(
                "wangxm01", "hsiaoming.wang", "wang", "a123456789", "19900312", "0790312", "0933521864", "25591969")));
    }
}
