package dev.orchard.training;

import dev.orchard.model.ModelInput;
import dev.orchard.model.TribuoClassifier;
import dev.orchard.registry.ModelLoader;
import dev.orchard.registry.ModelManifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * {@code tribuo-cart}: a Tribuo CART decision tree on raw pixels.
 *
 * <p>Features: the image resized to {@code imageSize × imageSize}, luminance only (1 channel),
 * scaled to [0, 1], one feature per pixel in row-major order ({@link TribuoClassifier#featureNames}).
 * Parameters: {@code imageSize} (default 28), {@code maxDepth} (default 14), {@code seed} (default
 * 12345). The model is stored in Tribuo's protobuf format with its full provenance.
 */
public final class TribuoCartTrainer implements Trainer {

    public static final String TYPE = "tribuo-cart";
    private static final Set<String> PARAMS = Set.of("imageSize", "maxDepth", "seed");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ModelInput input(Map<String, Object> params) {
        int size = new TrainerParams(TYPE, params, PARAMS).integer("imageSize", 28, 4, 128);
        return new ModelInput(size, size, 1, ModelInput.Scaling.UNIT);
    }

    @Override
    public TrainedModel train(TrainingSet data, Map<String, Object> params, TrainingProgress progress) {
        TrainerParams p = new TrainerParams(TYPE, params, PARAMS);
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> dataset =
                new MutableDataset<>(new SimpleDataSourceProvenance("orchard training set", factory), factory);
        String[] names = TribuoClassifier.featureNames(data.input().size());
        for (int i = 0; i < data.size(); i++) {
            Label label = new Label(data.labels().get(data.targets()[i]));
            dataset.add(TribuoClassifier.example(names, data.features().get(i), label));
        }
        int maxDepth = p.integer("maxDepth", 14, 1, 64);
        long seed = p.longValue("seed", 12345L);
        CARTClassificationTrainer trainer = new CARTClassificationTrainer(maxDepth, 1.0f, seed);
        Model<Label> model = trainer.train(dataset);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            model.serializeToStream(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise the Tribuo model", e);
        }
        return new TrainedModel(
                ModelManifest.Kind.TRIBUO,
                ModelManifest.Output.PROBABILITIES,
                new TribuoClassifier(model, data.input(), data.labels()),
                Map.of(ModelLoader.TRIBUO_ARTIFACT, bytes.toByteArray()),
                Map.of("java", Runtime.version().toString(), "tribuo", org.tribuo.Tribuo.VERSION),
                Map.of(
                        "trainer", TYPE,
                        "algorithm",
                                model.getProvenance().getTrainerProvenance().getClassName(),
                        "maxDepth", maxDepth,
                        "seed", seed,
                        "trainExamples", data.size()));
    }
}
