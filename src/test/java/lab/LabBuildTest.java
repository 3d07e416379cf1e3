package lab;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The scripts and the build must agree: one version per dependency, every script runnable alone. */
class LabBuildTest {

    static List<Path> javaFiles() throws IOException {
        try (Stream<Path> s = Files.walk(Path.of("scripts"))) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    @Test
    void everyDepsLineHasThePomVersion() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        Pattern deps = Pattern.compile("^//DEPS\\s+([^:\\s]+):([^:\\s]+):([^:\\s@]+)", Pattern.MULTILINE);
        List<String> problems = new ArrayList<>();
        int seen = 0;
        for (Path f : javaFiles()) {
            Matcher m = deps.matcher(Files.readString(f));
            while (m.find()) {
                seen++;
                String block = "<groupId>" + m.group(1) + "</groupId><artifactId>" + m.group(2) + "</artifactId><version>" + m.group(3) + "</version>";
                if (!pom.replaceAll("\\s+", "").contains(block)) problems.add(f + ": " + m.group(1) + ":" + m.group(2) + ":" + m.group(3));
            }
        }
        assertTrue(seen >= 5, "found only " + seen + " //DEPS lines");
        assertTrue(problems.isEmpty(), "//DEPS not pinned to the pom's version: " + problems);
    }

    @Test
    void everyScriptIsAStandaloneJBangScriptWithTheSharedPackage() throws IOException {
        List<Path> scripts;
        try (Stream<Path> s = Files.list(Path.of("scripts"))) {
            scripts = s.filter(p -> p.getFileName().toString().matches("[A-Z][A-Za-z0-9]*(_[A-Za-z0-9_]+)?\\.java")).sorted().toList();
        }
        assertFalse(scripts.isEmpty());
        for (Path f : scripts) {
            String src = Files.readString(f);
            assertTrue(src.startsWith("///usr/bin/env jbang \"$0\" \"$@\" ; exit $?"), f + " lacks the JBang shebang line");
            assertTrue(src.contains("//SOURCES lab/*.java"), f + " does not pull in the shared package");
            assertTrue(src.contains("mixinStandardHelpOptions = true"), f + " has no --help");
            assertTrue(src.contains("Lab.main("), f + " does not exit through Lab.main (exit codes, one-line errors)");
        }
    }
}
