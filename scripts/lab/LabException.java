package lab;

/**
 * An error the user can act on: bad input, an unreachable or misconfigured server, a missing tool.
 * Scripts print its message as one line and exit with {@link Lab#EXIT_ERROR}; no stack trace.
 */
public class LabException extends RuntimeException {
    public LabException(String message) {
        super(message);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
