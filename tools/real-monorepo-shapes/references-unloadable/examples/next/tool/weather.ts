export const weather = 1;
