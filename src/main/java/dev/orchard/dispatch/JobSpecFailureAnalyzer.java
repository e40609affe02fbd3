package dev.orchard.dispatch;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad job spec into a two-line start-up failure instead of a stack trace. */
class JobSpecFailureAnalyzer extends AbstractFailureAnalyzer<InvalidJobSpecException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidJobSpecException cause) {
        return new FailureAnalysis(
                "Invalid job spec: " + cause.getMessage(),
                "Fix " + cause.file() + (cause.field() == null ? "" : " (field '" + cause.field() + "')")
                        + ". Job specs are described in docs/jobs.md; examples in jobs/.",
                cause);
    }
}
