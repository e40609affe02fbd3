package dev.orchard.system;

import org.tensorflow.TensorFlow;

/**
 * Loads TensorFlow's native libraries and exits, printing the TensorFlow version and where they
 * were loaded from: the image build runs it to fail early when the natives it unpacked into its
 * read-only {@code java.library.path} do not load. (Without {@code pathsFirst}, JavaCPP unpacks
 * them from their jar into {@code org.bytedeco.javacpp.cachedir} instead, ~650 MB, once.)
 */
public final class NativeWarmup {

    private NativeWarmup() {}

    public static void main(String[] args) {
        String version = TensorFlow.version();
        boolean fromPath = Boolean.getBoolean("org.bytedeco.javacpp.pathsFirst");
        System.out.println("TensorFlow " + version + " natives loaded from "
                + (fromPath
                        ? System.getProperty("java.library.path")
                        : System.getProperty(
                                "org.bytedeco.javacpp.cachedir", System.getProperty("user.home") + "/.javacpp/cache")));
    }
}
