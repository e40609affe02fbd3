package dev.orchard.trigger;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchard.dispatch.JobRequest;
import dev.orchard.registry.ModelReference;
import dev.orchard.storage.ObjectRef;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Parsing at the edge: Cloud Storage notifications and command messages. */
class MessageParsingTests {

    JsonMapper json = JsonMapper.builder().build();

    Map<String, String> finalize(String object, String generation) {
        Map<String, String> attributes = new HashMap<>(Map.of(
                "eventType",
                "OBJECT_FINALIZE",
                "bucketId",
                "photos",
                "objectId",
                object,
                "payloadFormat",
                "JSON_API_V1"));
        attributes.put("objectGeneration", generation);
        return attributes;
    }

    @Test
    void aFinalizeNotificationIsAnUploadGeneration() {
        assertThat(GcsNotification.parse(finalize("uploads/a b.jpg", "1700000000000001")))
                .contains(new ObjectRef("photos", "uploads/a b.jpg", 1700000000000001L));
    }

    @Test
    void otherEventsStartNoWork() {
        for (String event : new String[] {"OBJECT_DELETE", "OBJECT_ARCHIVE", "OBJECT_METADATA_UPDATE"}) {
            Map<String, String> attributes = finalize("uploads/a.jpg", "1");
            attributes.put("eventType", event);
            assertThat(GcsNotification.parse(attributes)).as(event).isEmpty();
        }
    }

    @Test
    void brokenNotificationsNameTheProblem() {
        assertThatThrownBy(() -> GcsNotification.parse(Map.of())).hasMessageContaining("'eventType' is missing");
        Map<String, String> noGeneration = finalize("uploads/a.jpg", "1");
        noGeneration.remove("objectGeneration");
        assertThatThrownBy(() -> GcsNotification.parse(noGeneration))
                .hasMessageContaining("'objectGeneration' is missing");
        assertThatThrownBy(() -> GcsNotification.parse(finalize("uploads/a.jpg", "-3")))
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> GcsNotification.parse(finalize("../../etc/passwd", "3")))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("objectId");
    }

    @Test
    void commandsAreParsedIntoRequests() {
        assertThat(parse("{\"job\":\"promote\",\"model\":\"fruit\",\"version\":3,\"reason\":\"better\"}"))
                .isEqualTo(new JobRequest.Promote("fruit", 3, "pubsub", "better"));
        assertThat(parse("{\"job\":\"rollback\",\"model\":\"fruit\",\"by\":\"alice\"}"))
                .isEqualTo(new JobRequest.Rollback("fruit", "alice", "command"));
        assertThat(parse("{\"job\":\"retrain\",\"model\":\"fruit\"}"))
                .isEqualTo(new JobRequest.Retrain("fruit", false, "pubsub"));
        assertThat(parse("{\"job\":\"retrain\",\"model\":\"fruit\",\"force\":true}"))
                .isEqualTo(new JobRequest.Retrain("fruit", true, "pubsub"));
        assertThat(
                        parse(
                                "{\"job\":\"retrain\",\"model\":\"fruit\",\"min-accuracy\":0.8,\"max-regression\":0,\"promote\":\"manual\",\"by\":\"ci\"}"))
                .isEqualTo(new JobRequest.Retrain(
                        "fruit", false, 0.8, 0.0, dev.orchard.retrain.RetrainProperties.Promote.MANUAL, "ci"));
        assertThat(
                        parse(
                                "{\"job\":\"score\",\"input\":\"gs://photos/batches/2026-11-22/\",\"model\":\"fruit@champion\"}"))
                .isEqualTo(new JobRequest.ScorePrefix(
                        "photos", "batches/2026-11-22/", ModelReference.parse("fruit@champion"), null, null));
    }

    @Test
    void badCommandsNameTheProblem() {
        assertRejected("[1,2]", "JSON object");
        assertRejected("{\"model\":\"fruit\"}", "'job' is required");
        assertRejected("{\"job\":\"promote\",\"model\":\"fruit\"}", "version must be a positive integer");
        assertRejected(
                "{\"job\":\"promote\",\"model\":\"fruit\",\"version\":1.5}", "version must be a positive integer");
        assertRejected("{\"job\":\"promote\",\"model\":\"Fruit!\",\"version\":1}", "model must be a model name");
        assertRejected("{\"job\":\"score\",\"input\":\"s3://b/x/\",\"model\":\"fruit\"}", "gs://bucket/prefix/");
        assertRejected("{\"job\":\"rollback\",\"model\":\"fruit\",\"urgent\":true}", "unknown field 'urgent'");
        assertRejected("{\"job\":\"retrain\",\"model\":\"fruit\",\"force\":\"yes\"}", "force must be true or false");
        assertRejected(
                "{\"job\":\"rollback\",\"model\":\"fruit\",\"by\":\"alice\\n2026-11-30 INFO forged\"}",
                "must not contain control characters");
        assertRejected(
                "{\"job\":\"retrain\",\"model\":\"fruit\",\"min-accuracy\":1.5}",
                "min-accuracy must be a number between 0 and 1");
        assertRejected(
                "{\"job\":\"retrain\",\"model\":\"fruit\",\"max-regression\":\"0.1\"}",
                "max-regression must be a number between 0 and 1");
        assertRejected(
                "{\"job\":\"retrain\",\"model\":\"fruit\",\"promote\":\"sometimes\"}",
                "promote must be \"auto\" or \"manual\"");
    }

    @Test
    void everyFieldIsBoundedAndEveryWrongTypeIsAReason() {
        String score = "{\"job\":\"score\",\"model\":\"fruit\",\"input\":\"gs://photos/x/\"";
        assertRejected(
                "{\"job\":\"rollback\",\"model\":\"fruit\",\"by\":{\"a\":1}}", "'by' must be a non-empty string");
        assertRejected("{\"job\":\"rollback\",\"model\":\"fruit\",\"by\":\"" + "a".repeat(257) + "\"}", "limit is 256");
        assertRejected(
                "{\"job\":\"rollback\",\"model\":\"fruit\",\"reason\":\"" + "r".repeat(1025) + "\"}", "limit is 1024");
        assertRejected("{\"job\":\"rollback\",\"model\":\"fruit\",\"reason\":[1]}", "'reason' must be");
        assertRejected(score + ",\"id\":\"" + "i".repeat(101) + "\"}", "limit is 100");
        assertRejected(score + ",\"id\":7}", "'id' must be a non-empty string");
        assertRejected(score + ",\"partitions\":99999999999999999999999}", "partitions must be a whole number");
        assertRejected(score + ",\"partitions\":0}", "partitions must be a whole number");
        assertRejected(score + ",\"partitions\":2.5}", "partitions must be a whole number");
        assertRejected("{\"job\":\"score\",\"model\":\"fruit\",\"input\":\"gs://B!/x/\"}", "not a bucket name: 'B!'");
        assertRejected(
                "{\"job\":\"score\",\"model\":\"" + "m".repeat(300) + "\",\"input\":\"gs://photos/x/\"}",
                "limit is 256");
        assertRejected("{\"job\":\"promote\",\"model\":\"fruit\",\"version\":99999999999999}", "positive integer");
        assertRejected("{\"job\":" + "[".repeat(5000) + "}", "not valid JSON");
        assertRejected(
                "{\"job\":\"retrain\",\"model\":\"fruit\"}" + " ".repeat(CommandMessage.MAX_BYTES),
                "the limit is 65536");
    }

    @Test
    void notificationsAreBounded() {
        Map<String, String> badBucket = finalize("uploads/a.jpg", "1");
        badBucket.put("bucketId", "Not A Bucket " + "x".repeat(300));
        assertThatThrownBy(() -> GcsNotification.parse(badBucket))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("bucketId is not a bucket name")
                .hasMessageNotContaining("x".repeat(100));
        assertThatThrownBy(() -> GcsNotification.parse(finalize("uploads/a.jpg", "9".repeat(5000))))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageNotContaining("9".repeat(100));
        assertThatThrownBy(() -> GcsNotification.parse(finalize("u/" + "n".repeat(2000), "1")))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("longer than 1024");
    }

    private JobRequest parse(String command) {
        return CommandMessage.parse(command.getBytes(UTF_8), json);
    }

    private void assertRejected(String command, String reason) {
        assertThatThrownBy(() -> parse(command))
                .as(command)
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining(reason);
    }
}
