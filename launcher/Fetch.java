// Downloads one file over HTTPS and checks its SHA-1, with nothing but a JDK:
//   java launcher/Fetch.java URL TARGET [SHA1]
// Used by ./jbang to fetch the JBang CLI jar from Maven Central.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

public class Fetch {
    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[1]);
        Path part = target.resolveSibling(target.getFileName() + ".part");
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(20)).build();
        HttpResponse<Path> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create(args[0])).timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofFile(part));
        } catch (Exception e) {
            System.err.println("error: cannot download " + args[0] + ": " + e);
            System.exit(2);
            return;
        }
        if (r.statusCode() != 200) {
            Files.deleteIfExists(part);
            System.err.println("error: " + args[0] + " answered HTTP " + r.statusCode());
            System.exit(2);
        }
        if (args.length > 2 && !args[2].isEmpty()) {
            String sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(Files.readAllBytes(part)));
            if (!sha1.equalsIgnoreCase(args[2])) {
                Files.deleteIfExists(part);
                System.err.println("error: checksum mismatch for " + args[0] + " (got " + sha1 + ")");
                System.exit(2);
            }
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
