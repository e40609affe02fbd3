package dev.orchard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * A service-account key file in Google's JSON format with a freshly generated RSA key: loads as
 * {@code ServiceAccountCredentials} without contacting anything (a token would be fetched only on
 * the first call, which these tests never make).
 */
public final class ServiceAccountKeys {

    private ServiceAccountKeys() {}

    public static Path write(Path directory, String clientEmail, String projectId) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes())
                            .encodeToString(
                                    generator.generateKeyPair().getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Map<String, String> key = new LinkedHashMap<>();
            key.put("type", "service_account");
            key.put("project_id", projectId);
            key.put("private_key_id", "0123456789abcdef");
            key.put("private_key", pem);
            key.put("client_email", clientEmail);
            key.put("client_id", "123456789");
            key.put("token_uri", "https://oauth2.googleapis.com/token");
            Path file = directory.resolve("service-account.json");
            Files.createDirectories(directory);
            Files.writeString(file, JsonMapper.builder().build().writeValueAsString(key));
            return file;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
