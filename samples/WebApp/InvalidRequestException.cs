namespace LeWm.Samples.WebApp;

/// <summary>A request the app refuses because of its input (answered 400 with a ProblemDetails body).</summary>
/// <param name="message">What is wrong, for the client to read.</param>
internal sealed class InvalidRequestException(string message) : Exception(message);
