namespace ChatHub.Llm;

/// <summary>
/// The model gave no reply: every attempt failed, the first token did not come in time, or the
/// circuit breaker is open. <see cref="Exception.Message"/> is safe to show a user; the cause is in
/// <see cref="Exception.InnerException"/> and belongs in the log only.
/// </summary>
public sealed class ModelUnavailableException(Exception innerException)
    : Exception("The character cannot answer right now. Please try again in a moment.", innerException);
