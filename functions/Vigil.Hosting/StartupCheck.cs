using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Vigil.Hosting;

/// <summary>
/// Checks every setting (the options validated at start) before a host starts, so that a bad
/// setting ends the process with a message naming it instead of an unhandled exception and a
/// stack trace that buries the one line an operator needs.
/// </summary>
public static class StartupCheck
{
    public const int ExitCode = 2;

    public static bool Passes(IServiceProvider services, TextWriter error)
    {
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
            return true;
        }
        catch (OptionsValidationException e)
        {
            Report(error, e.Failures);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
        {
            Report(error, e.InnerExceptions.SelectMany(i => ((OptionsValidationException)i).Failures));
        }
        catch (InvalidOperationException e) when (e.InnerException is not null)
        {
            // The configuration binder: a value that does not convert to its option's type.
            Report(error, [$"{e.Message} {e.InnerException.Message}"]);
        }
        return false;
    }

    private static void Report(TextWriter error, IEnumerable<string> failures)
    {
        error.WriteLine("Vigil cannot start. Fix these settings (environment variables use '__' for ':'):");
        foreach (var failure in failures) error.WriteLine($"  - {failure}");
        error.Flush();
    }
}
