package dev.orchard.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A serving graph's weights as variables, each given its value once from a fed tensor before the
 * graph is exported: the values go to the SavedModel's checkpoint ({@code variables/}) and the graph
 * holds none of them, as in a Keras export. Weights held in the graph as constants are copied several
 * times by TensorFlow's graph optimizer on a session's first run (over a second for a 10 MB dense
 * layer on two cores), and a worker is not ready before that run; restored variables are not copied.
 *
 * <p><b>WARNING:</b> holds a native tensor per weight until {@link #close()}; use it in
 * try-with-resources.
 */
public final class CheckpointWeights implements AutoCloseable {

    private final Ops tf;
    private final Map<Operand<?>, TFloat32> values = new LinkedHashMap<>();
    private final List<Op> assigns = new ArrayList<>();

    /** Weights of {@code graph}; they are added to it. */
    public CheckpointWeights(Graph graph) {
        this.tf = Ops.create(graph);
    }

    /** A variable of {@code shape} that {@link #assign} gives {@code values} (row-major). */
    public Operand<TFloat32> variable(Shape shape, float[] values) {
        if (shape.size() != values.length) {
            throw new IllegalArgumentException(
                    "a weight of shape " + shape + " needs " + shape.size() + " values, not " + values.length);
        }
        Operand<TFloat32> variable = tf.variable(shape, TFloat32.class);
        Placeholder<TFloat32> value = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
        this.values.put(value, TFloat32.tensorOf(shape, DataBuffers.of(values, true, false)));
        assigns.add(tf.assign(variable, value));
        return variable;
    }

    /** Gives every variable its value in {@code session}, in one run; then the session can be exported. */
    public void assign(Session session) {
        if (assigns.isEmpty()) {
            return;
        }
        Session.Runner runner = session.runner();
        values.forEach(runner::feed);
        assigns.forEach(runner::addTarget);
        runner.run();
    }

    @Override
    public void close() {
        values.values().forEach(TFloat32::close);
        values.clear();
    }
}
