package dev.orchard.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** What a profile counts for known inputs, and that profiles add up and survive JSON. */
class ProfileRecorderTests {

    static final ModelInput INPUT = new ModelInput(2, 2, 1, ModelInput.Scaling.UNIT);
    static final List<String> LABELS = List.of("cat", "dog");

    @Test
    void countsLabelConfidenceBrightnessAndContrastPerPrediction() {
        ProfileRecorder recorder = new ProfileRecorder(INPUT, LABELS);
        float[] black = new float[4];
        float[] white = {1, 1, 1, 1};
        float[] checker = {0, 1, 1, 0};

        recorder.observed(
                new float[][] {black, white, checker}, new float[][] {{0.95f, 0.05f}, {0.25f, 0.75f}, {0.55f, 0.45f}});
        PredictionProfile profile = recorder.snapshot("holdout");

        assertThat(profile.predictions()).isEqualTo(3);
        assertThat(profile.labels()).isEqualTo(Map.of("cat", 2L, "dog", 1L));
        // confidence 0.95 → last bin, 0.75 → [0.7, 0.8), 0.55 → [0.5, 0.6)
        assertThat(profile.distribution(ProfileStatistic.CONFIDENCE))
                .containsEntry(">= 0.9", 1L)
                .containsEntry("[0.7, 0.8)", 1L)
                .containsEntry("[0.5, 0.6)", 1L);
        // brightness 0 → first bin, 255 → last, 127.5 → [112, 128)
        assertThat(profile.distribution(ProfileStatistic.BRIGHTNESS))
                .containsEntry("< 16", 1L)
                .containsEntry(">= 240", 1L)
                .containsEntry("[112, 128)", 1L);
        // a flat image has no contrast; a black-and-white checker has 127.5
        assertThat(profile.distribution(ProfileStatistic.CONTRAST))
                .containsEntry("< 8", 2L)
                .containsEntry(">= 112", 1L);
        assertThat(profile.samples(ProfileStatistic.ASPECT_RATIO)).isZero();
    }

    @Test
    void theScalingIsUndoneBeforeBrightnessIsTaken() {
        ModelInput symmetric = new ModelInput(1, 2, 1, ModelInput.Scaling.SYMMETRIC);
        ProfileRecorder recorder = new ProfileRecorder(symmetric, LABELS);

        recorder.observed(new float[][] {{1f, 1f}}, new float[][] {{1f, 0f}});

        assertThat(recorder.snapshot("live").distribution(ProfileStatistic.BRIGHTNESS))
                .containsEntry(">= 240", 1L);
    }

    @Test
    void brightnessAndContrastAreThoseOfTheSamplesTheFloatsCameFromForEveryScaling() {
        java.util.Random random = new java.util.Random(7);
        for (ModelInput.Scaling scaling : ModelInput.Scaling.values()) {
            // 64×64×3 takes every value; 160×160×3 (76,800) every 4th, as at most SAMPLES are read
            for (ModelInput input : List.of(new ModelInput(64, 64, 3, scaling), new ModelInput(160, 160, 3, scaling))) {
                byte[] pixels = new byte[input.size()];
                random.nextBytes(pixels);
                float[] row = input.toFloats(pixels);
                int stride = Math.max(1, row.length / ProfileRecorder.SAMPLES);
                double sum = 0;
                double squares = 0;
                int count = 0;
                for (int i = 0; i < pixels.length; i += stride) {
                    double sample = pixels[i] & 0xFF;
                    sum += sample;
                    squares += sample * sample;
                    count++;
                }
                double mean = sum / count;

                double[] spread = ProfileRecorder.meanAndDeviation(input, row);

                assertThat(spread[0]).as(scaling + " mean").isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-3));
                assertThat(spread[1])
                        .as(scaling + " deviation")
                        .isCloseTo(Math.sqrt(squares / count - mean * mean), org.assertj.core.data.Offset.offset(1e-3));
                assertThat(spread[1])
                        .as(scaling + " a random image has contrast")
                        .isGreaterThan(60);
            }
        }
        assertThat(ProfileRecorder.meanAndDeviation(INPUT, new float[0])).containsExactly(0, 0);
    }

    @Test
    void countsSourceSizesAndAspectRatios() {
        ProfileRecorder recorder = new ProfileRecorder(INPUT, LABELS);

        recorder.observedSource(4032, 3024); // a 12 MP landscape phone photo
        recorder.observedSource(28, 28);
        recorder.observedSource(0, 10); // nonsense is not counted

        PredictionProfile profile = recorder.snapshot("live");
        assertThat(profile.sources()).isEqualTo(2);
        assertThat(profile.distribution(ProfileStatistic.ASPECT_RATIO))
                .containsEntry("[1.25, 1.5)", 1L)
                .containsEntry("[0.95, 1.05)", 1L);
        assertThat(profile.distribution(ProfileStatistic.SOURCE_SIZE))
                .containsEntry("[4194304, 16777216)", 1L)
                .containsEntry("< 1024", 1L);
    }

    @Test
    void profilesAddUpAndSurviveJson() {
        ProfileRecorder a = new ProfileRecorder(INPUT, LABELS);
        ProfileRecorder b = new ProfileRecorder(INPUT, LABELS);
        a.observed(new float[][] {new float[4]}, new float[][] {{0.9f, 0.1f}});
        b.observed(new float[][] {new float[4], new float[4]}, new float[][] {{0.1f, 0.9f}, {0.2f, 0.8f}});
        b.observedSource(10, 20);

        PredictionProfile sum = a.snapshot("live").plus(b.snapshot("live"), "live");
        JsonMapper json = JsonMapper.builder().build();
        PredictionProfile back = json.readValue(json.writeValueAsBytes(sum), PredictionProfile.class);

        assertThat(sum.predictions()).isEqualTo(3);
        assertThat(sum.labels()).isEqualTo(Map.of("cat", 1L, "dog", 2L));
        assertThat(Arrays.stream(sum.histograms().get("brightness")).sum()).isEqualTo(3);
        assertThat(back).isEqualTo(sum);
    }

    @Test
    void aProfilingClassifierCountsWhatItScoresButNotWhatItIsToldIsNotTraffic() {
        ProfileRecorder recorder = new ProfileRecorder(INPUT, LABELS);
        Classifier fixed = new Classifier() {
            @Override
            public ModelInput input() {
                return INPUT;
            }

            @Override
            public List<String> labels() {
                return LABELS;
            }

            @Override
            public float[][] predict(float[][] batch) {
                float[][] out = new float[batch.length][];
                Arrays.fill(out, new float[] {0.2f, 0.8f});
                return out;
            }

            @Override
            public void close() {}
        };
        Classifier profiled = new ProfilingClassifier(fixed, recorder);

        profiled.classify(new float[][] {new float[4], new float[4]}, 1);
        profiled.unobserved().classify(new float[][] {new float[4]}, 1);
        profiled.observedSource(640, 480);

        assertThat(recorder.predictions()).isEqualTo(2);
        assertThat(recorder.snapshot("live").labels()).containsEntry("dog", 2L);
        assertThat(recorder.snapshot("live").sources()).isEqualTo(1);
    }
}
