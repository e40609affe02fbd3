package dev.orchard.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;

/**
 * A Tribuo classification model over raw pixel features: one feature per tensor element, named by
 * {@link #featureNames(int)}, in the order {@link ImageDecoder} produces them. Pure Java, no native
 * memory; {@link #close()} only drops the reference.
 */
public final class TribuoClassifier implements Classifier {

    private final Model<Label> model;
    private final ModelInput input;
    private final List<String> labels;
    private final String[] featureNames;

    public TribuoClassifier(Model<Label> model, ModelInput input, List<String> labels) {
        this.model = model;
        this.input = input;
        this.labels = List.copyOf(labels);
        this.featureNames = featureNames(input.size());
    }

    /** Loads a model written by {@code Model.serializeToFile} (Tribuo's protobuf format). */
    public static TribuoClassifier load(Path file, ModelInput input, List<String> labels) throws IOException {
        Model<?> raw = Model.deserializeFromFile(file);
        if (!raw.validate(Label.class)) {
            throw new IOException(file + " is a Tribuo model, but not a classification model");
        }
        @SuppressWarnings("unchecked")
        Model<Label> model = (Model<Label>) raw;
        return new TribuoClassifier(model, input, labels);
    }

    /** Feature names shared by training and inference: {@code px00000}, {@code px00001}, … */
    public static String[] featureNames(int count) {
        String[] names = new String[count];
        for (int i = 0; i < count; i++) {
            names[i] = String.format("px%05d", i);
        }
        return names;
    }

    /** Builds the example Tribuo sees for one preprocessed image. */
    public static Example<Label> example(String[] featureNames, float[] row, Label label) {
        double[] values = new double[row.length];
        for (int i = 0; i < row.length; i++) {
            values[i] = row[i];
        }
        return new ArrayExample<>(label, featureNames, values);
    }

    public Model<Label> model() {
        return model;
    }

    @Override
    public ModelInput input() {
        return input;
    }

    @Override
    public List<String> labels() {
        return labels;
    }

    @Override
    public float[][] predict(float[][] batch) {
        Classifier.requireShape(batch, input);
        List<Example<Label>> examples = new ArrayList<>(batch.length);
        for (float[] row : batch) {
            examples.add(example(featureNames, row, LabelFactory.UNKNOWN_LABEL));
        }
        List<org.tribuo.Prediction<Label>> predictions = model.predict(examples);
        float[][] probabilities = new float[batch.length][labels.size()];
        for (int i = 0; i < predictions.size(); i++) {
            Map<String, Label> scores = predictions.get(i).getOutputScores();
            for (int j = 0; j < labels.size(); j++) {
                Label score = scores.get(labels.get(j));
                probabilities[i][j] = score == null ? 0f : (float) score.getScore();
            }
        }
        return probabilities;
    }

    @Override
    public void close() {
        // heap only
    }
}
