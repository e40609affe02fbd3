package dev.orchard.serving;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document ({@code /v3/api-docs}) and its interactive page ({@code /docs}). */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

    private static final String BEARER = "bearer";

    @Bean
    OpenAPI orchardApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Orchard")
                        .description("Image classification: multipart :classify, TensorFlow Serving compatible"
                                + " :predict, Open Inference Protocol (KServe V2) /v2 routes, model status, and"
                                + " admin routes (:promote, :rollback) that need a bearer token: the admin token"
                                + " or a Google ID token of an admin. Predict routes need a token only when"
                                + " orchard.security.predict=authenticated. Errors on Orchard's routes are"
                                + " application/problem+json; :predict and /v2 answer {\"error\": ...} as their"
                                + " protocols do.")
                        .license(new License().name("see the repository")))
                .components(new Components()
                        .addSecuritySchemes(
                                BEARER,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .description("Orchard admin/predict token, or a Google-signed ID token")));
    }

    /** Marks every admin operation (a change that is not a predict call) as needing the token. */
    @Bean
    OpenApiCustomizer adminOperationsNeedAToken() {
        return api -> api.getPaths()
                .forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                    boolean read = method == io.swagger.v3.oas.models.PathItem.HttpMethod.GET;
                    boolean predict =
                            path.endsWith(":classify") || path.endsWith(":predict") || path.endsWith("/infer");
                    if (!read && !predict) {
                        operation.addSecurityItem(new SecurityRequirement().addList(BEARER));
                    }
                }));
    }
}
