package cn.xinan.rules;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

/**
 * The rules are pure Java (a design rule: only the adapters at the edges import vendor APIs): no Helidon, Paho, Pi4J, InfluxDB or JDBC; only the JDK, the
 * project's own packages and jackson-core's streaming API.
 */
@AnalyzeClasses(packages = "cn.xinan.rules", importOptions = ImportOption.DoNotIncludeTests.class)
class PurityArchTest {
    @ArchTest
    static final ArchRule rulesDependOnlyOnTheJdkTheProjectAndJacksonCore = classes()
            .that().resideInAPackage("cn.xinan.rules..")
            .should().onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "cn.xinan..", "com.fasterxml.jackson.core..")
            .because("the rules engine and the calendar must run anywhere: collector, replay, kiosk, tests");
}
