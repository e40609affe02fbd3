package dev.orchard.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.stream.Stream;

/** What tests read back from workers' output and database. */
public final class WorkerChecks {

    private WorkerChecks() {}

    /** Result files (predictions and error results) in a results folder. */
    public static long resultFiles(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".json")).count();
        }
    }

    /** The single number a query returns. */
    public static long single(Connection db, String sql) throws Exception {
        try (ResultSet rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
