// Unpacks a zip with nothing but a JDK: java launcher/Unzip.java ARCHIVE TARGET_DIR (used by ./mvnw).
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

public class Unzip {
    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[1]).toAbsolutePath().normalize();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(Path.of(args[0])))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                Path p = target.resolve(e.getName()).normalize();
                if (!p.startsWith(target)) throw new IllegalStateException("entry outside target: " + e.getName());
                if (e.isDirectory()) Files.createDirectories(p);
                else {
                    Files.createDirectories(p.getParent());
                    Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
