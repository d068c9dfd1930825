import { Box, Text } from 'ink';

/** First run: no accounts configured yet. */
export function Welcome(props: { configPath: string; width: number; height: number }) {
  return (
    <Box width={props.width} height={props.height} borderStyle="single" flexDirection="column" paddingX={2} paddingY={1}>
      <Text bold>Welcome to tmail</Text>
      <Text> </Text>
      <Text>No mail account is configured yet. Add one with:</Text>
      <Text> </Text>
      <Text bold>    tmail account add</Text>
      <Text> </Text>
      <Text>It asks for the server, user and where the password comes from, tests the login, then saves.</Text>
      <Text>Accounts are stored in: {props.configPath}</Text>
      <Text> </Text>
      <Text>To try tmail against a local test server, run `npm run mailserver` in the tmail source tree.</Text>
      <Text> </Text>
      <Text>Press q to quit.</Text>
    </Box>
  );
}
