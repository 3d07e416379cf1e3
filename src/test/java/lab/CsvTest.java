package lab;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one CSV reader reads what the lab writes, including a quoted cell that spans lines. */
class CsvTest {

    @Test
    void readsQuotedCommasQuotesAndNewlines(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.csv");
        Files.writeString(f, "key,value\nnote,\"two\nlines, a comma and \"\"quotes\"\"\"\nplain,1\n");
        Csv.Table t = Csv.read(f);
        assertEquals(List.of("key", "value"), t.columns());
        assertEquals(2, t.rows().size());
        assertEquals("two\nlines, a comma and \"quotes\"", t.rows().get(0).get(1));
        List<Map<String, String>> rows = ScriptRun.csv(f);
        assertEquals("two\nlines, a comma and \"quotes\"", rows.get(0).get("value"));
        assertEquals("1", rows.get(1).get("value"));
    }

    @Test
    void aRowOfTheWrongWidthIsAOneLineError(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.csv");
        Files.writeString(f, "a,b\n1,2,3\n");
        LabException e = assertThrows(LabException.class, () -> Csv.read(f));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }
}
