using Microsoft.Extensions.Options;

namespace DependencyInjection;

/// <summary>Checks <see cref="NarrationOptions"/> when the host starts and reports every problem at once.</summary>
internal sealed class NarrationOptionsValidator : IValidateOptions<NarrationOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, NarrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Voice))
        {
            problems.Add($"{NarrationOptions.SectionName}:Voice is empty; give a speaker name (e.g. 'hi') or id.");
        }

        if (!double.IsFinite(options.Speed) || options.Speed < 0.25 || options.Speed > 4)
        {
            problems.Add($"{NarrationOptions.SectionName}:Speed must be in [0.25, 4] (got {options.Speed}).");
        }

        if (string.IsNullOrWhiteSpace(options.OutputDirectory))
        {
            problems.Add($"{NarrationOptions.SectionName}:OutputDirectory is empty.");
        }

        if (options.Texts.Count == 0 || options.Texts.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add($"{NarrationOptions.SectionName}:Texts must list at least one text, none of them empty.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
