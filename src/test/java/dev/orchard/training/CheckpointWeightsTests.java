package dev.orchard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchard.model.TensorFlowRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

class CheckpointWeightsTests {

    @BeforeAll
    static void tensorFlow() {
        TensorFlowRuntime.load();
    }

    @Test
    void givesEveryVariableItsValuesInOneRun() {
        try (Graph graph = new Graph();
                Session session = new Session(graph);
                CheckpointWeights weights = new CheckpointWeights(graph)) {
            // given
            Operand<TFloat32> matrix = weights.variable(Shape.of(2, 3), new float[] {1, 2, 3, 4, 5, 6});
            Operand<TFloat32> bias = weights.variable(Shape.of(2), new float[] {-1, 7});

            // when
            weights.assign(session);

            // then, row-major
            try (Result result = session.runner().fetch(matrix).fetch(bias).run()) {
                TFloat32 m = (TFloat32) result.get(0);
                TFloat32 b = (TFloat32) result.get(1);
                assertThat(m.shape()).isEqualTo(Shape.of(2, 3));
                assertThat(m.getFloat(0, 2)).isEqualTo(3f);
                assertThat(m.getFloat(1, 0)).isEqualTo(4f);
                assertThat(b.getFloat(1)).isEqualTo(7f);
            }
        }
    }

    @Test
    void refusesValuesThatDoNotFillTheShape() {
        try (Graph graph = new Graph();
                CheckpointWeights weights = new CheckpointWeights(graph)) {
            assertThatThrownBy(() -> weights.variable(Shape.of(2, 3), new float[5]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("needs 6 values, not 5");
        }
    }
}
