class Program { static int Main() => 0; }
