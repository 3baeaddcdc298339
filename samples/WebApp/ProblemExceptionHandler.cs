using LeWm.Audio;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace LeWm.Samples.WebApp;

/// <summary>
/// Answers every exception a request raises with a ProblemDetails body, so no request can take the server down or
/// leave a client without an answer: input problems are 400, anything else (an engine failure) is 500 without
/// internals in the body (the log has them).
/// </summary>
/// <param name="problems">Writes ProblemDetails bodies.</param>
/// <param name="logger">Logs server-side failures.</param>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    /// <inheritdoc/>
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(exception);
        if (httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody is left to answer.
            LogAborted(logger, httpContext.Request.Path.Value);
            return true;
        }

        (int status, string title, string detail) = Describe(exception);
        if (status >= StatusCodes.Status500InternalServerError)
        {
            LogFailure(logger, exception, httpContext.Request.Path.Value);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).ConfigureAwait(false);
    }

    /// <summary>Maps an exception to the status, title and detail the client sees.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The answer.</returns>
    internal static (int Status, string Title, string Detail) Describe(Exception exception) => exception switch
    {
        InvalidRequestException e => (StatusCodes.Status400BadRequest, "Invalid request", e.Message),
        AudioFormatException e => (StatusCodes.Status400BadRequest, "Invalid audio", e.Message),
        // The engine validates its arguments too (text, options): that is the client's input as well.
        ArgumentException e => (StatusCodes.Status400BadRequest, "Invalid request", e.Message),
        BadHttpRequestException e => (e.StatusCode, "Bad request", e.Message),
        _ => (StatusCodes.Status500InternalServerError, "Speech synthesis failed",
            "The server could not complete this request; it is still running. The server log has the details."),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Path} failed")]
    private static partial void LogFailure(ILogger logger, Exception exception, string? path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request {Path} ended: the client went away")]
    private static partial void LogAborted(ILogger logger, string? path);
}
