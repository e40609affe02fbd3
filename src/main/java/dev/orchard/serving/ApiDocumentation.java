package dev.orchard.serving;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document ({@code /v3/api-docs}) and its interactive page ({@code /docs}). */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

    @Bean
    OpenAPI orchardApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Orchard")
                        .description("Image classification: multipart :classify, TensorFlow Serving compatible"
                                + " :predict, and model status. Errors on Orchard's routes are"
                                + " application/problem+json; :predict answers {\"error\": ...} as TF Serving does.")
                        .license(new License().name("see the repository")));
    }
}
