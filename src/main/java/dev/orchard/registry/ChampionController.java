package dev.orchard.registry;

import java.security.Principal;
import java.time.Instant;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Admin routes that move the champion: {@code POST /v1/models/{name}:promote} with {@code
 * {"version": 3, "reason": "..."}} and {@code POST /v1/models/{name}:rollback} with an optional
 * {@code {"reason": "..."}}. Both are compare-and-swap on the alias (409 when another promoter
 * moved it first) and are recorded in the audit log under the caller's identity.
 */
@RestController
class ChampionController {

    private final ChampionCommands commands;

    ChampionController(ChampionCommands commands) {
        this.commands = commands;
    }

    @PostMapping("/v1/models/{name}:promote")
    Champion promote(@PathVariable String name, @RequestBody PromoteBody body, Principal caller) {
        if (body.version() == null || body.version() < 1) {
            throw new IllegalArgumentException("\"version\" must be a version number of at least 1");
        }
        requireModel(name);
        return Champion.of(name, commands.promote(name, body.version(), by(caller), reason(body.reason(), "promote")));
    }

    @PostMapping("/v1/models/{name}:rollback")
    Champion rollback(@PathVariable String name, @RequestBody(required = false) ReasonBody body, Principal caller) {
        requireModel(name);
        return Champion.of(
                name, commands.rollback(name, by(caller), reason(body == null ? null : body.reason(), "rollback")));
    }

    private static void requireModel(String name) {
        if (!ModelNames.isValid(name)) {
            throw new ModelNotFoundException("no model named '" + name + "'");
        }
    }

    private static String by(Principal caller) {
        return "http:" + (caller == null ? "anonymous" : caller.getName());
    }

    private static String reason(String given, String fallback) {
        if (given == null || given.isBlank()) {
            return fallback + " over HTTP";
        }
        if (given.length() > 500) {
            throw new IllegalArgumentException("\"reason\" must be at most 500 characters");
        }
        return given;
    }

    record PromoteBody(Integer version, String reason) {}

    record ReasonBody(String reason) {}

    /** The champion after the move. */
    record Champion(String model, int champion, Integer previous, String by, String reason, Instant at) {
        static Champion of(String model, Alias alias) {
            return new Champion(model, alias.version(), alias.previous(), alias.by(), alias.reason(), alias.at());
        }
    }
}
