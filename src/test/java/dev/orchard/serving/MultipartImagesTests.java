package dev.orchard.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchard.model.ImageRejectedException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.mock.http.MockHttpOutputMessage;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

class MultipartImagesTests {

    static final String TYPE = "multipart/form-data; boundary=XyZ";

    @Test
    void findsTheImagePartAsCurlSendsIt() {
        byte[] image = {(byte) 0xff, (byte) 0xd8, '\r', '\n', '-', '-', 'X', 'y', 0, (byte) 0xd9};
        byte[] body = body(
                "--XyZ\r\n",
                "Content-Disposition: form-data; name=\"image\"; filename=\"apple.jpg\"\r\n",
                "Content-Type: image/jpeg\r\n\r\n",
                image,
                "\r\n--XyZ--\r\n");

        assertThat(parts(body, TYPE)).containsExactly(image);
    }

    @Test
    void keepsThePartsOfTheNameInOrderAndSkipsEverythingElse() {
        byte[] body = body(
                "a preamble that mentions --XyZ without a line break before it\r\n",
                "--XyZ  \t\r\n", // transport padding after the boundary
                "content-disposition: form-data; name=\"image\"\r\n\r\n",
                "first",
                "\r\n--XyZ\r\n",
                "Content-Disposition: form-data; name=note\r\n\r\n",
                "a text field",
                "\r\n--XyZ\r\n",
                "\r\n", // a part with no headers at all
                "nameless",
                "\r\n--XyZ\r\n",
                "Content-Disposition: form-data; filename=\"x;name=image\"; name=\"image\"\r\n\r\n",
                "",
                "\r\n--XyZ\r\n",
                "Content-Disposition: form-data; name=\"images\"\r\n\r\n",
                "not this one",
                "\r\n--XyZ\r\n",
                "Content-Disposition: form-data; name=\"image\"\r\n\r\n",
                "third",
                "\r\n--XyZ--\r\nan epilogue, ignored");

        assertThat(parts(body, TYPE)).extracting(String::new).containsExactly("first", "", "third");
    }

    @Test
    void readsQuotedBoundariesAndEscapedNames() {
        byte[] body =
                body("--a b:c\r\n", "Content-Disposition: form-data; name=\"im\\age\"\r\n\r\n", "x", "\r\n--a b:c--");

        assertThat(parts(body, "multipart/form-data; charset=utf-8; boundary=\"a b:c\""))
                .extracting(String::new)
                .containsExactly("x");
    }

    @Test
    void answersWhatSpringsMultipartWriterWrites() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            // given: 0–4 image parts of random bytes (every value, some sizes around the delimiter's)
            // between text fields, as Spring's own client writes them with a random boundary
            MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
            List<byte[]> images = new ArrayList<>();
            int count = random.nextInt(5);
            for (int i = 0; i < count; i++) {
                byte[] image = new byte[random.nextInt(4) == 0 ? random.nextInt(80) : random.nextInt(200_000)];
                random.nextBytes(image);
                images.add(image);
                form.add("field-" + i, "value " + i);
                form.add("image", new ByteArrayResource(image) {
                    @Override
                    public String getFilename() {
                        return "upload.jpg";
                    }
                });
            }
            form.add("last", "x");
            MockHttpOutputMessage message = new MockHttpOutputMessage();
            new FormHttpMessageConverter().write(form, MediaType.MULTIPART_FORM_DATA, message);

            // when
            List<byte[]> parsed = parts(
                    message.getBodyAsBytes(),
                    message.getHeaders().getContentType().toString());

            // then
            assertThat(parsed).as("round " + round).hasSize(count);
            for (int i = 0; i < count; i++) {
                assertThat(parsed.get(i)).as("round " + round + " part " + i).isEqualTo(images.get(i));
            }
        }
    }

    @Test
    void refusesBodiesThatAreNotWellFormedSayingWhy() {
        byte[] good = body("--XyZ\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\n", "abc", "\r\n--XyZ--\r\n");

        assertBad(good, "multipart/form-data", "no boundary parameter");
        assertBad(good, "multipart/form-data; boundary=", "no boundary parameter");
        assertBad(good, "multipart/form-data; boundary=" + "b".repeat(201), "201 characters");
        assertBad(good, "multipart/form-data; boundary=\"a\u0001\"", "printable ASCII");
        assertBad(good, "multipart/form-data; boundary=other", "no boundary line");
        assertBad(body("--XyZ"), TYPE, "without the closing '--'");
        assertBad(body("--XyZ junk\r\n"), TYPE, "not followed by a line break");
        assertBad(body("--XyZ\r\nContent-Disposition: form-data; name=\"image\"\r\n"), TYPE, "inside a part's headers");
        assertBad(body("--XyZ\r\nX-Pad: " + "p".repeat(9000) + "\r\n\r\nabc\r\n--XyZ--"), TYPE, "longer than 8192");
        for (int cut = good.length - 8; cut < good.length - 4; cut++) {
            assertBad(java.util.Arrays.copyOf(good, cut), TYPE, "closing boundary is missing");
        }
        assertBad(new byte[0], TYPE, "no boundary line");
    }

    @Test
    void refusesMorePartsThanAllowedAndPartsLargerThanAllowed() {
        String part = "--XyZ\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\n12345\r\n";
        byte[] three = body(part, part, part, "--XyZ--");

        assertThat(MultipartImages.parts(three, TYPE, "image", 3, 5)).hasSize(3);
        assertThatThrownBy(() -> MultipartImages.parts(three, TYPE, "image", 2, 5))
                .isInstanceOf(BadPredictException.class)
                .hasMessageContaining("more than 2 'image' parts")
                .hasMessageContaining("orchard.serving.requests.max-instances");
        assertThatThrownBy(() -> MultipartImages.parts(three, TYPE, "image", 3, 4))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessageContaining("5 bytes; the limit is 4 bytes (orchard.images.max-bytes)")
                .extracting(e -> ((ImageRejectedException) e).reason())
                .isEqualTo(ImageRejectedException.Reason.TOO_LARGE);

        // parts of other names count too: at most twice the wanted parts' limit in all
        String other = "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nx\r\n";
        byte[] six = body(part, other, other, other, other, other, "--XyZ--");
        assertThat(MultipartImages.parts(six, TYPE, "image", 3, 5)).hasSize(1);
        assertThatThrownBy(() -> MultipartImages.parts(six, TYPE, "image", 2, 5))
                .isInstanceOf(BadPredictException.class)
                .hasMessageContaining("more than 4 parts");
    }

    @Test
    void aBodyWithoutThePartIsEmpty() {
        byte[] body = body("--XyZ\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--XyZ--");

        assertThat(parts(body, TYPE)).isEmpty();
    }

    private static List<byte[]> parts(byte[] body, String contentType) {
        return MultipartImages.parts(body, contentType, "image", 64, Long.MAX_VALUE);
    }

    private static void assertBad(byte[] body, String contentType, String why) {
        assertThatThrownBy(() -> parts(body, contentType))
                .isInstanceOf(BadPredictException.class)
                .hasMessageContaining(why);
    }

    private static byte[] body(Object... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object piece : pieces) {
            out.writeBytes(
                    piece instanceof byte[] bytes ? bytes : piece.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
