package dev.orchard.system;

import org.tensorflow.TensorFlow;

/**
 * Loads TensorFlow's native libraries once and exits: run at image build time with {@code
 * -Dorg.bytedeco.javacpp.cachedir=DIR} so the ~650 MB unpack happens in the build, not at every
 * container start. Prints the TensorFlow version and where the natives went.
 */
public final class NativeWarmup {

    private NativeWarmup() {}

    public static void main(String[] args) {
        String version = TensorFlow.version();
        System.out.println("TensorFlow " + version + " natives ready in "
                + System.getProperty(
                        "org.bytedeco.javacpp.cachedir", System.getProperty("user.home") + "/.javacpp/cache"));
    }
}
