package dev.orchard.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The static bearer tokens: the admin token and the optional predict token. Only their SHA-256
 * digests are kept, and a presented token is compared with {@link MessageDigest#isEqual}, so
 * neither the comparison's timing nor a heap dump gives a token away.
 */
final class StaticTokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a static token grants. */
    enum Grant {
        ADMIN,
        PREDICT
    }

    private final byte[] admin;
    private final byte[] predict;

    StaticTokens(String adminToken, String predictToken) {
        this.admin = digestOrNull(adminToken);
        this.predict = digestOrNull(predictToken);
    }

    boolean hasAdminToken() {
        return admin != null;
    }

    /** What {@code token} grants, if it is one of the static tokens. */
    Optional<Grant> grant(String token) {
        byte[] presented = digest(token);
        if (admin != null && MessageDigest.isEqual(admin, presented)) {
            return Optional.of(Grant.ADMIN);
        }
        if (predict != null && MessageDigest.isEqual(predict, presented)) {
            return Optional.of(Grant.PREDICT);
        }
        return Optional.empty();
    }

    /**
     * The admin token kept in {@code file}, created with 32 random bytes (owner-only permissions
     * where the file system has them) if it does not exist yet.
     */
    static String localAdminToken(Path file) {
        try {
            if (Files.exists(file)) {
                String token = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (token.length() < 16) {
                    throw new IllegalStateException("the admin token in " + file
                            + " is shorter than 16 characters; delete the file to have a new one generated");
                }
                return token;
            }
            byte[] random = new byte[32];
            RANDOM.nextBytes(random);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Path directory = file.toAbsolutePath().getParent();
            if (directory == null) {
                throw new IllegalStateException("the admin token file " + file + " names no file in a directory");
            }
            Files.createDirectories(directory);
            Path temp = Files.createTempFile(directory, ".admin-token", ".tmp");
            try {
                restrict(temp);
                Files.writeString(temp, token + "\n", StandardCharsets.UTF_8);
                publish(temp, file);
            } catch (FileAlreadyExistsException raced) {
                return localAdminToken(file);
            } finally {
                Files.deleteIfExists(temp);
            }
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the admin token file " + file, e);
        }
    }

    /**
     * Makes the complete {@code temp} visible as {@code file} only if {@code file} does not exist,
     * atomically: a hard link fails when the name is taken (a move checks and then renames, so two
     * concurrent first starts could both "win" and end with different tokens).
     */
    private static void publish(Path temp, Path file) throws IOException {
        try {
            Files.createLink(file, temp);
        } catch (UnsupportedOperationException noHardLinks) {
            Files.move(temp, file); // best effort where the file system has no hard links
        }
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the file inherits the directory's ACL
        }
    }

    private static byte[] digestOrNull(String token) {
        return token == null || token.isBlank() ? null : digest(token.strip());
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
