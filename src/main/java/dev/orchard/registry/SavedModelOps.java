package dev.orchard.registry;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.SavedModel;

/**
 * Checks an imported SavedModel's graph before TensorFlow ever loads or runs it. A SavedModel is a
 * program, and some TensorFlow ops read, write or list files, print to files, call Python or reach
 * other hosts. Every node of every graph and function is checked: an op must be one the bundled
 * TensorFlow runtime registers (or a call of a function in the model's own library), and must not
 * be one of {@link #REFUSED}, unless the operator allows it by name ({@code
 * orchard.registry.import-allowed-ops}). Checkpoint ops ({@link #CHECKPOINT}) are allowed only in
 * the saver's own subgraph, which TensorFlow runs to restore the variables from the model's own
 * directory; anywhere else (the serving path, an init op) they are refused like any file op.
 */
final class SavedModelOps {

    /** Checkpoint reading and writing, needed by the saver to restore variables. */
    static final Set<String> CHECKPOINT = Set.of(
            "Save",
            "SaveV2",
            "SaveSlices",
            "Restore",
            "RestoreV2",
            "RestoreSlice",
            "MergeV2Checkpoints",
            "ShardedFilename",
            "ShardedFilespec");

    /** Ops that touch files, write output, run Python or talk to other hosts. */
    static final Set<String> REFUSED = union(
            CHECKPOINT,
            Set.of(
                    "ReadFile",
                    "WriteFile",
                    "MatchingFiles",
                    "ImmutableConst",
                    "LoadAndRemapMatrix",
                    "InitializeTableFromTextFile",
                    "InitializeTableFromTextFileV2",
                    "WholeFileReader",
                    "WholeFileReaderV2",
                    "TextLineReader",
                    "TextLineReaderV2",
                    "FixedLengthRecordReader",
                    "FixedLengthRecordReaderV2",
                    "TFRecordReader",
                    "TFRecordReaderV2",
                    "IdentityReader",
                    "IdentityReaderV2",
                    "LMDBReader",
                    "ReaderRead",
                    "ReaderReadV2",
                    "ReaderReadUpTo",
                    "ReaderReadUpToV2",
                    "ReaderRestoreState",
                    "ReaderRestoreStateV2",
                    "TFRecordDataset",
                    "TFRecordDatasetV2",
                    "TextLineDataset",
                    "FixedLengthRecordDataset",
                    "FixedLengthRecordDatasetV2",
                    "CSVDataset",
                    "CSVDatasetV2",
                    "LMDBDataset",
                    "SqlDataset",
                    "SaveDataset",
                    "SaveDatasetV2",
                    "LoadDataset",
                    "SnapshotDataset",
                    "SnapshotDatasetV2",
                    "DatasetToTFRecord",
                    "Print",
                    "PrintV2",
                    "CreateSummaryFileWriter",
                    "CreateSummaryDbWriter",
                    "WriteSummary",
                    "WriteScalarSummary",
                    "WriteHistogramSummary",
                    "WriteImageSummary",
                    "WriteAudioSummary",
                    "WriteGraphSummary",
                    "WriteRawProtoSummary",
                    "ImportEvent",
                    "FlushSummaryWriter",
                    "CloseSummaryWriter",
                    "DebugIdentity",
                    "DebugIdentityV2",
                    "DebugIdentityV3",
                    "DebugNanCount",
                    "DebugNumericSummary",
                    "DebugNumericSummaryV2",
                    "PyFunc",
                    "PyFuncStateless",
                    "EagerPyFunc",
                    "RemoteCall",
                    "Rpc",
                    "TryRpc",
                    "RpcClient",
                    "RpcServer",
                    "RpcCall",
                    "_Send",
                    "_Recv",
                    "_HostSend",
                    "_HostRecv"));

    private static volatile Set<String> registered;

    private SavedModelOps() {}

    /**
     * @throws IllegalArgumentException naming the first op refused, and where it is
     */
    static void check(byte[] savedModelPb, Collection<String> allowed) {
        SavedModel model;
        try {
            model = SavedModel.parseFrom(savedModelPb);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("saved_model.pb is not a SavedModel: " + e.getMessage());
        }
        for (MetaGraphDef graph : model.getMetaGraphsList()) {
            check(graph, Set.copyOf(allowed));
        }
    }

    private static void check(MetaGraphDef graph, Set<String> allowed) {
        Map<String, NodeDef> nodes = new HashMap<>();
        graph.getGraphDef().getNodeList().forEach(node -> nodes.put(node.getName(), node));
        Map<String, FunctionDef> functions = new HashMap<>();
        graph.getGraphDef()
                .getLibrary()
                .getFunctionList()
                .forEach(f -> functions.put(f.getSignature().getName(), f));

        Set<String> saverNodes = reachable(
                nodes,
                graph.getSaverDef().getSaveTensorName(),
                graph.getSaverDef().getRestoreOpName(),
                graph.getSaverDef().getFilenameTensorName());
        Set<String> saverFunctions = new HashSet<>();
        Set<String> otherFunctions = new HashSet<>();
        for (NodeDef node : nodes.values()) {
            boolean saver = saverNodes.contains(node.getName());
            checkOp(node, saver, allowed, functions, "node '" + node.getName() + "'");
            calledFunctions(node, functions, saver ? saverFunctions : otherFunctions);
        }
        // every function of the library is checked; only those the saver alone calls may use checkpoint ops
        Deque<String> pending = new ArrayDeque<>(functions.keySet());
        Set<String> seen = new HashSet<>();
        closeOver(otherFunctions, functions);
        closeOver(saverFunctions, functions);
        while (!pending.isEmpty()) {
            String name = pending.pop();
            if (!seen.add(name)) {
                continue;
            }
            boolean saverOnly = saverFunctions.contains(name) && !otherFunctions.contains(name);
            for (NodeDef node : functions.get(name).getNodeDefList()) {
                checkOp(node, saverOnly, allowed, functions, "function '" + name + "', node '" + node.getName() + "'");
            }
        }
    }

    private static void checkOp(
            NodeDef node, boolean inSaver, Set<String> allowed, Map<String, FunctionDef> functions, String where) {
        String op = node.getOp();
        if (functions.containsKey(op) || allowed.contains(op)) {
            return;
        }
        if (REFUSED.contains(op) && !(inSaver && CHECKPOINT.contains(op))) {
            throw new IllegalArgumentException("the SavedModel uses op " + op + " (" + where
                    + "), which reads or writes files, prints, runs Python or reaches other hosts; Orchard does not"
                    + " load such models unless the op is allowed by name in orchard.registry.import-allowed-ops");
        }
        if (!registeredOps().contains(op)) {
            throw new IllegalArgumentException("the SavedModel uses op " + op + " (" + where
                    + "), which the bundled TensorFlow runtime does not know (a custom op?)");
        }
    }

    /** Node names reachable backwards from {@code tensors} (inputs and control inputs). */
    private static Set<String> reachable(Map<String, NodeDef> nodes, String... tensors) {
        Set<String> seen = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>();
        for (String tensor : tensors) {
            if (!tensor.isEmpty()) {
                pending.push(nodeName(tensor));
            }
        }
        while (!pending.isEmpty()) {
            String name = pending.pop();
            NodeDef node = nodes.get(name);
            if (node == null || !seen.add(name)) {
                continue;
            }
            node.getInputList().forEach(input -> pending.push(nodeName(input)));
        }
        return seen;
    }

    private static String nodeName(String tensor) {
        String name = tensor.startsWith("^") ? tensor.substring(1) : tensor;
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }

    private static void calledFunctions(NodeDef node, Map<String, FunctionDef> functions, Set<String> into) {
        if (functions.containsKey(node.getOp())) {
            into.add(node.getOp());
        }
        for (AttrValue value : node.getAttrMap().values()) {
            if (value.hasFunc()) {
                into.add(value.getFunc().getName());
            }
            value.getList().getFuncList().forEach(f -> into.add(f.getName()));
        }
    }

    private static void closeOver(Set<String> called, Map<String, FunctionDef> functions) {
        Deque<String> pending = new ArrayDeque<>(called);
        while (!pending.isEmpty()) {
            FunctionDef function = functions.get(pending.pop());
            if (function == null) {
                continue;
            }
            Set<String> more = new HashSet<>();
            function.getNodeDefList().forEach(node -> calledFunctions(node, functions, more));
            for (String name : more) {
                if (called.add(name)) {
                    pending.push(name);
                }
            }
        }
    }

    private static Set<String> registeredOps() {
        Set<String> ops = registered;
        if (ops == null) {
            ops = new TreeSet<>();
            for (OpDef op : TensorFlow.registeredOpList().getOpList()) {
                ops.add(op.getName());
            }
            registered = Set.copyOf(ops);
            ops = registered;
        }
        return ops;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
