package cn.xinan.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

/** The shared core stays pure Java (a design rule: only the adapters at the edges import vendor APIs): devices and collectors both run it. */
@AnalyzeClasses(packages = "cn.xinan", importOptions = ImportOption.DoNotIncludeTests.class)
class PureJavaCoreTest {
    @ArchTest
    static final ArchRule coreUsesOnlyTheJdkJsonStreamingAndBouncyCastle = classes()
            .should().onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "cn.xinan..", "com.fasterxml.jackson.core..", "org.bouncycastle..");
}
