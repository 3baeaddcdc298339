using System.Text.Json;

namespace LeWm.WebApp.Tests;

/// <summary>Checks that a response is a ProblemDetails body (RFC 9457) with a given status.</summary>
internal static class ProblemAssert
{
    /// <summary>Asserts the status, the <c>application/problem+json</c> type and the body's <c>status</c> and <c>title</c>.</summary>
    /// <param name="response">The response.</param>
    /// <param name="status">The expected status.</param>
    /// <returns>The body's <c>detail</c> (empty when absent).</returns>
    public static async Task<string> IsProblemAsync(HttpResponseMessage response, int status)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(body);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("title").GetString()));
        return problem.RootElement.TryGetProperty("detail", out JsonElement detail) ? detail.GetString() ?? string.Empty : string.Empty;
    }
}
