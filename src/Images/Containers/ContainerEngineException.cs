namespace Vmspec.Images;

/// <summary>The Docker engine is unreachable or refused a step; the message names the engine and the step.</summary>
public sealed class ContainerEngineException(string message, Exception? inner = null) : Exception(message, inner);
