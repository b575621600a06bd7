package io.snowstream.nifi.properties;

import java.util.function.Function;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.components.Validator;

/**
 * NiFi's standard validators accept any value that contains Expression Language without looking at what it
 * evaluates to. For properties evaluated against the environment only, that lets a missing variable (evaluating to
 * an empty string) pass validation and fail later, when the component is scheduled or enabled.
 */
public final class ExpressionLanguageValidators {

    private ExpressionLanguageValidators() {}

    /** Applies the validator to the value the property's Expression Language evaluates to (empty when it is missing). */
    public static Validator afterExpressionLanguage(final Validator validator) {
        return (subject, input, context) -> {
            final String value =
                    context.isExpressionLanguageSupported(subject) && context.isExpressionLanguagePresent(input)
                            ? context.newPropertyValue(input)
                                    .evaluateAttributeExpressions()
                                    .getValue()
                            : input;
            final ValidationResult result = validator.validate(subject, value == null ? "" : value, context);
            return new ValidationResult.Builder()
                    .subject(subject)
                    .input(input)
                    .valid(result.isValid())
                    .explanation(result.getExplanation())
                    .build();
        };
    }

    /**
     * Validates the value the property's Expression Language evaluates to (empty when it is missing) with a function
     * that names what is wrong with it, or returns null when nothing is.
     */
    public static Validator evaluatedValue(final Function<String, String> problem) {
        return afterExpressionLanguage((subject, value, context) -> {
            final String explanation = problem.apply(value);
            return new ValidationResult.Builder()
                    .subject(subject)
                    .input(value)
                    .valid(explanation == null)
                    .explanation(explanation)
                    .build();
        });
    }

    /** Validates the evaluated value with a parser that throws IllegalArgumentException, with its message, on a bad one. */
    public static Validator parsedBy(final Function<String, ?> parser) {
        return evaluatedValue(value -> {
            try {
                parser.apply(value);
                return null;
            } catch (final IllegalArgumentException e) {
                return e.getMessage();
            }
        });
    }
}
