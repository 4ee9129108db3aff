namespace Vmspec.SpecCompiler.Plan;

/// <summary>A plan file that is not a canonical vmspec plan; the message names the JSON path.</summary>
public sealed class PlanFormatException(string message) : Exception(message);
