using Microsoft.Extensions.Options;

namespace LeWm.Samples.WebApp;

/// <summary>Refuses to start with limits out of range, listing every problem.</summary>
internal sealed class WebAppLimitsValidator : IValidateOptions<WebAppLimits>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, WebAppLimits options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
